from cogov.people.models import Person


def test_world_scopes(world):
    cw = world.users["community_worker"]
    visible = set(Person.objects.visible_to(cw).values_list("grid__code", flat=True))
    assert visible == {"440111001001001", "440111001001002"}
    resident = world.users["resident"]
    assert Person.objects.visible_to(resident).count() == 2  # own household only
    assert Person.objects.visible_to(world.users["outsider"]).count() == 0
    assert Person.objects.visible_to(world.users["admin"]).count() == 16
