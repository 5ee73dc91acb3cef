"""A small default set of service attributes for a few of the default case categories.

Administrators change them in the admin (saved through open311.actions.save_service_attribute).
"""

from django.db import migrations

YES_NO = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]

# category code → [(code, datatype, required, order, description, datatype_description, values)]
DEFAULTS = {
    "0101": [
        ("amount", "singlevaluelist", False, 1, "垃圾数量", "", [
            {"key": "small", "name": "少量（一袋以内）"},
            {"key": "medium", "name": "较多（一车以内）"},
            {"key": "large", "name": "大量"},
        ]),
    ],
    "0301": [
        ("blocking_traffic", "singlevaluelist", True, 1, "是否影响通行", "", YES_NO),
    ],
    "0302": [
        ("pole_number", "string", False, 1, "灯杆编号", "灯杆上的编号，如 GL-0123", []),
        ("lights_out", "number", False, 2, "不亮的路灯数", "整数", []),
    ],
    "0401": [
        ("people_trapped", "singlevaluelist", True, 1, "是否有人被困", "有人被困请同时拨打 110 或 119", YES_NO),
        ("elevator_number", "string", False, 2, "电梯编号", "电梯轿厢内的使用标志编号", []),
    ],
    "0501": [
        ("noise_source", "multivaluelist", False, 1, "噪音来源", "", [
            {"key": "renovation", "name": "装修"},
            {"key": "music", "name": "音乐、广场舞"},
            {"key": "business", "name": "商铺经营"},
            {"key": "other", "name": "其他"},
        ]),
        ("noticed_at", "datetime", False, 2, "发生时间", "ISO 8601，带时区，如 2026-11-22T22:30:00+08:00", []),
    ],
}


def forwards(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    for code, rows in DEFAULTS.items():
        category = Category.objects.filter(code=code).first()
        if category is None:
            continue
        for attr_code, datatype, required, order, description, dtype_desc, values in rows:
            ServiceAttribute.objects.get_or_create(
                category=category,
                code=attr_code,
                defaults={
                    "variable": True,
                    "datatype": datatype,
                    "required": required,
                    "order": order,
                    "description": description,
                    "datatype_description": dtype_desc,
                    "values": values,
                },
            )


def backwards(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    ServiceAttribute = apps.get_model("open311", "ServiceAttribute")
    for code, rows in DEFAULTS.items():
        ServiceAttribute.objects.filter(
            category__in=Category.objects.filter(code=code), code__in=[r[0] for r in rows]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0001_initial"),
        ("cases", "0002_default_categories"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
