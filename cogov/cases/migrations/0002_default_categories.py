"""The default category tree (CJ/T 214 event classes and 12345 problem classes, simplified).

Codes are two digits per level. Urgency and the default responsible organization kind are
defaults an administrator changes in the admin; docs/cases/recipes.md says how to add one.
"""

from django.db import migrations

# code, name, urgency, default organization kind, children [(code, name, urgency or None, kind or None)]
TREE = [
    ("01", "市容环境", "general", "", [
        ("0101", "暴露垃圾", None, "property_company"),
        ("0102", "积存垃圾渣土", None, ""),
        ("0103", "乱堆物料", None, "property_company"),
        ("0104", "违规张贴小广告", None, "property_company"),
        ("0105", "道路不洁", None, ""),
    ]),
    ("02", "街面秩序", "general", "", [
        ("0201", "占道经营", None, ""),
        ("0202", "店外经营", None, ""),
        ("0203", "露天烧烤", "life_safety", ""),
        ("0204", "乱停放非机动车", None, "property_company"),
        ("0205", "违法建设", "complex", "department"),
    ]),
    ("03", "公用设施", "general", "", [
        ("0301", "井盖缺失破损", "life_safety", "department"),
        ("0302", "路灯不亮", None, "department"),
        ("0303", "供水故障", "basic_utility", "department"),
        ("0304", "供电故障", "basic_utility", "department"),
        ("0305", "燃气故障", "life_safety", "department"),
        ("0306", "道路破损", None, "department"),
    ]),
    ("04", "物业管理", "general", "property_company", [
        ("0401", "电梯故障", "basic_utility", "property_company"),
        ("0402", "楼道照明", None, "property_company"),
        ("0403", "小区绿化", None, "property_company"),
        ("0404", "公共部位维修", None, "property_company"),
        ("0405", "物业服务质量", "complex", "owners_committee"),
    ]),
    ("05", "邻里纠纷", "general", "residents_committee", [
        ("0501", "噪音扰民", None, "residents_committee"),
        ("0502", "漏水纠纷", None, "residents_committee"),
        ("0503", "饲养宠物", None, "residents_committee"),
        ("0504", "占用公共空间", None, "residents_committee"),
    ]),
    ("06", "安全隐患", "life_safety", "", [
        ("0601", "消防通道堵塞", None, "property_company"),
        ("0602", "电动车违规充电", None, "property_company"),
        ("0603", "危旧房屋", "complex", "department"),
        ("0604", "高空坠物隐患", None, "property_company"),
    ]),
    ("07", "民生服务", "general", "residents_committee", [
        ("0701", "养老服务", None, "residents_committee"),
        ("0702", "困难救助", None, "residents_committee"),
        ("0703", "就业帮扶", None, "residents_committee"),
        ("0704", "证明办理", None, "residents_committee"),
        ("0705", "政策咨询", None, "residents_committee"),
    ]),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for code, name, urgency, kind, children in TREE:
        parent = Category.objects.create(code=code, name=name, urgency=urgency, default_org_kind=kind)
        for child_code, child_name, child_urgency, child_kind in children:
            Category.objects.create(parent=parent, code=child_code, name=child_name,
                                    urgency=child_urgency or urgency,
                                    default_org_kind=kind if child_kind is None else child_kind)


def backwards(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    codes = [code for code, *_ in TREE]
    child_codes = [c[0] for *_, children in TREE for c in children]
    Category.objects.filter(code__in=child_codes).delete()
    Category.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
