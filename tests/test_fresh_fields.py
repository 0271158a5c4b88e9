"""Serializers with FreshFields validate exactly as DRF's deep-copied fields do, with fields of their own."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from golive.api import FreshFields
from golive.tracker.api import IssueCreateSerializer


class DeepCopied(IssueCreateSerializer):
    """The intake's fields, built the DRF way (deep copies)."""

    def get_fields(self):
        return serializers.Serializer.get_fields(self)


class Nested(FreshFields, serializers.Serializer):
    title = serializers.CharField()
    children = serializers.ListField(child=serializers.CharField(), required=False)
    owner = DeepCopied(required=False)


def test_each_serializer_has_fields_of_its_own(world):
    first, second = IssueCreateSerializer(data={}), IssueCreateSerializer(data={})
    for name, field in first.fields.items():
        other = second.fields[name]
        assert field is not other and type(field) is type(other)
        assert field.parent is first and other.parent is second
    assert first.fields["severity"].choices == second.fields["severity"].choices


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": ""},
        {"title": "x" * 301},
        {"title": "Ok", "severity": "P9", "kind": "nope", "category": "?"},
        {"title": "Ok", "assignee": "nobody-here"},
        {"title": "Ok", "reported_at": "yesterday"},
        {"title": "Ok", "severity": "P1", "kind": "question", "assignee": "support"},
    ],
)
def test_validation_equals_drf_deep_copies(world, rf, data):
    request = rf.post("/")
    request.user = world.lead
    fresh = IssueCreateSerializer(data=data, context={"request": request})
    drf = DeepCopied(data=data, context={"request": request})
    assert fresh.is_valid() == drf.is_valid()
    assert fresh.errors == drf.errors
    if not fresh.errors:
        assert fresh.validated_data == drf.validated_data


def test_nested_serializers_are_still_deep_copied(db):
    first, second = Nested(data={}), Nested(data={})
    for name in ("children", "owner"):
        assert first.fields[name] is not second.fields[name] and first.fields[name].parent is first
    assert first.fields["children"].child is not second.fields["children"].child
    assert first.fields["owner"].fields["title"] is not second.fields["owner"].fields["title"]
