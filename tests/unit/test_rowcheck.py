"""The schema check reads FieldInfo's typed attributes (max_length, element_kind, max_capacity, dim),
never the display name: a field whose display name says nothing is checked all the same."""

from __future__ import annotations

import pytest

from milvus_shell.catalog import CollectionInfo, FieldInfo
from milvus_shell.rowcheck import RowChecker, RowError


def collection(*fields: FieldInfo) -> CollectionInfo:
    return CollectionInfo("c", (FieldInfo("id", "Int64", "INT64", primary=True), *fields))


def refused(info: CollectionInfo, row: dict) -> RowError:
    with pytest.raises(RowError) as caught:
        RowChecker(info)(row)
    return caught.value


def test_varchar_length_comes_from_max_length_not_the_name():
    info = collection(FieldInfo("t", "text", "VARCHAR", max_length=3))  # a name that holds no number
    assert RowChecker(info)({"id": 1, "t": "abc"}) == {"id": 1, "t": "abc"}
    error = refused(info, {"id": 1, "t": "abcd"})
    assert error.field == "t" and "4 characters is longer than text allows" in str(error)


def test_array_capacity_and_element_type_come_from_the_typed_attributes():
    info = collection(FieldInfo("a", "list", "ARRAY", element_kind="INT16", max_capacity=2))
    assert RowChecker(info)({"id": 1, "a": [1, 2]})["a"] == [1, 2]
    assert "3 elements is more than list holds" in str(refused(info, {"id": 1, "a": [1, 2, 3]}))
    error = refused(info, {"id": 1, "a": [1, 40000]})
    assert str(error) == "field 'a': element 1: 40000 is out of range for Int16 (-32768 to 32767)"


def test_array_of_varchar_elements_are_bounded_by_max_length_and_named_as_people_write_them():
    info = collection(FieldInfo("tags", "tags", "ARRAY", element_kind="VARCHAR", max_length=2, max_capacity=4))
    assert "element 0: 3 characters is longer than VarChar(2) allows" in str(refused(info, {"id": 1, "tags": ["abc"]}))
    assert "element 1: VarChar(2) wants a string, not a whole number (5)" in str(
        refused(info, {"id": 1, "tags": ["a", 5]}))


def test_no_bound_without_the_attribute():
    info = collection(FieldInfo("t", "VarChar(2)", "VARCHAR"), FieldInfo("a", "Array(Int64, capacity 1)", "ARRAY",
                                                                          element_kind="INT64"))
    assert RowChecker(info)({"id": 1, "t": "long text", "a": [1, 2, 3]})  # the name alone bounds nothing


def test_the_checker_names_its_schema():
    info = collection()
    assert RowChecker(info).info is info
