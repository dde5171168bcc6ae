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


# -- hostile values: numbers JSON cannot hold, booleans, deep nesting --------------------------------

DOCS = CollectionInfo("docs", (
    FieldInfo("id", "Int64", "INT64", primary=True),
    FieldInfo("meta", "JSON", "JSON", nullable=True),
    FieldInfo("scores", "Array(Double, capacity 4)", "ARRAY", element_kind="DOUBLE", max_capacity=4, nullable=True),
    FieldInfo("price", "Double", "DOUBLE", nullable=True),
    FieldInfo("v", "FloatVector(dim 3)", "FLOAT_VECTOR", dim=3),
), dynamic=True)


def parsed(text: str) -> dict:
    from milvus_shell.rowcheck import loads

    return loads(text)


@pytest.mark.parametrize("line, field", [
    ('{"id": 1, "v": [1, 2, 3], "meta": {"x": 1e999}}', "meta"),
    ('{"id": 1, "v": [1, 2, 3], "meta": [1, [-1e999]]}', "meta"),
    ('{"id": 1, "v": [1, 2, 3], "extra": 1e999}', "extra"),  # a dynamic key
    ('{"id": 1, "v": [1, 2, 3], "extra": {"deeper": [2e400]}}', "extra"),
    ('{"id": 1, "v": [1, 2, 3], "scores": [1, 1e999]}', "scores"),
    ('{"id": 1, "v": [1, 2, 3], "price": -1e999}', "price"),
    ('{"id": 1, "v": [1, 1e999, 3]}', "v"),
])
def test_a_number_too_large_for_a_double_is_refused_everywhere(line, field):
    error = refused(DOCS, parsed(line))
    assert error.field == field


def test_booleans_are_not_numbers_not_even_in_a_vector():
    error = refused(DOCS, parsed('{"id": 1, "v": [true, false, true]}'))
    assert str(error) == "field 'v': element 0 is a boolean: a vector holds numbers"
    assert "a boolean" in str(refused(DOCS, parsed('{"id": 1, "v": [0.5, 1, false]}')))
    assert "a boolean" in str(refused(DOCS, parsed('{"id": 1, "v": [1, 2, 3], "price": true}')))
    assert "a boolean" in str(refused(DOCS, parsed('{"id": 1, "v": [1, 2, 3], "scores": [false]}')))
    assert RowChecker(DOCS)(parsed('{"id": 1, "v": [0, 1, 0.5], "meta": {"ok": true}}'))  # JSON may hold them


@pytest.mark.parametrize("where", ["meta", "extra"])
def test_a_value_nested_too_deep_is_a_bad_row_naming_its_field(where):
    deep = "[" * 250 + "]" * 250
    error = refused(DOCS, parsed(f'{{"id": 1, "v": [1, 2, 3], "{where}": {deep}}}'))
    assert error.field == where and "nested more than 200 levels deep" in str(error)
    fine = "[" * 150 + "]" * 150
    assert RowChecker(DOCS)(parsed(f'{{"id": 1, "v": [1, 2, 3], "{where}": {fine}}}'))


def test_a_deep_value_in_a_typed_field_is_refused_without_a_recursion_error():
    deep = parsed("[" * 900 + "]" * 900)
    error = refused(DOCS, {"id": 1, "v": [deep, deep, deep]})  # compared by min/max, then named
    assert error.field == "v"
