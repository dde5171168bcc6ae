"""search's grammar without a server: query values (dense, sparse, binary, FIELD=), --param names by
index, --rerank, the score's name, the binder's kinds for search, and `digits` in table output only."""

from __future__ import annotations

import json

import pytest

from milvus_shell.errors import UsageError
from milvus_shell.formats import format_table
from milvus_shell.results import Float32, Table
from milvus_shell.searching import (SearchPlan, SearchRequest, parse_query_values, parse_rerank, score_label,
                                    search_params, split_field)


def test_a_query_value_is_dense_sparse_or_binary_with_an_optional_field():
    assert parse_query_values("[0.1, 2]").values == ([0.1, 2],)
    assert parse_query_values("[[1, 2], [3, 4]]").values == ([1, 2], [3, 4])
    assert parse_query_values('{"3": 0.5, "17": 1}').values == ({3: 0.5, 17: 1.0},)
    assert parse_query_values('[{"3": 0.5}, {"4": 0.25}]').values == ({3: 0.5}, {4: 0.25})
    assert parse_query_values('"ff00"').values == ("ff00",)
    named = parse_query_values("dense=[1, 2]")
    assert named.field == "dense" and named.values == ([1, 2],)
    assert split_field("[1, 2]") == ("", "[1, 2]")
    assert split_field("a b=c") == ("", "a b=c")  # not a field name: the text as it is


@pytest.mark.parametrize("text, says", [
    ("[0.1, 0.2", "not valid JSON"),
    ("{}", "empty sparse vector"),
    ('{"x": 1}', "sparse index 'x' is not a whole number"),
    ('{"4294967295": 1}', "sparse index '4294967295'"),
    ('{"3": "a"}', "weight of index 3 is not a finite number"),
    ('{"3": 1e39}', "not a finite number"),
    ("[1, {}]", "element 2 is not a number"),
    ('[[1], {"3": 1}]', "mixes vectors of different kinds"),
    ('"zz"', "is not hex"),
    ("[]", "needs a vector"),
    ("3", "needs a vector"),
    ('["a", 1]', "element 1 is not a number"),
    ("[1, NaN]", "NaN"),
])
def test_bad_query_values_are_refused_in_words(text, says):
    with pytest.raises(UsageError) as err:
        parse_query_values(text)
    assert says in err.value.message


def test_param_names_are_checked_against_the_index():
    assert search_params(["nprobe=16"], "IVF_FLAT", "L2", "v") == {"metric_type": "L2", "params": {"nprobe": 16}}
    assert search_params(["ef=64", "radius=0.5"], "HNSW", "IP", "v")["params"] == {"ef": 64, "radius": 0.5}
    assert search_params(["drop_ratio_search=0.2"], "SPARSE_INVERTED_INDEX", "BM25", "s")["params"] == \
        {"drop_ratio_search": 0.2}
    assert search_params(["search_list=20"], "DISKANN", "L2", "v")["params"] == {"search_list": 20}
    assert search_params(["level=2"], "AUTOINDEX", "COSINE", "v")["params"] == {"level": 2}
    assert search_params(["metric_type=l2"], "FLAT", "L2", "v") == {"metric_type": "L2", "params": {}}
    with pytest.raises(UsageError) as err:
        search_params(["ef=64"], "IVF_FLAT", "L2", "v")
    assert err.value.message == "--param ef: not a search parameter of the index on 'v' (IVF_FLAT)"
    assert err.value.hint == "it takes: nprobe, radius, range_filter"
    with pytest.raises(UsageError, match="group_by_field"):
        search_params(["group_by_field=age"], "FLAT", "L2", "v")  # the silently ignored parameter
    with pytest.raises(UsageError, match="takes a whole number"):
        search_params(["nprobe=many"], "IVF_FLAT", "L2", "v")
    with pytest.raises(UsageError, match="indexed with L2"):
        search_params(["metric_type=IP"], "FLAT", "L2", "v")
    with pytest.raises(UsageError, match="needs KEY=VALUE"):
        search_params(["nprobe"], "IVF_FLAT", "L2", "v")


def test_rerank_words():
    assert parse_rerank(None, 2) == ("rrf", (60,))
    assert parse_rerank("rrf:10", 2) == ("rrf", (10,))
    assert parse_rerank("RRF", 3) == ("rrf", (60,))
    assert parse_rerank("weighted:0.7,0.3", 2) == ("weighted", (0.7, 0.3))
    for bad, says in (("weighted:0.7", "1 weights for 2 searches"), ("weighted:2,1", "not a weight from 0 to 1"),
                      ("rrf:x", "rrf:K takes a whole number"), ("rrf:0", "rrf:K"), ("sum", "--rerank takes")):
        with pytest.raises(UsageError, match=says):
            parse_rerank(bad, 2)


def _plan(*metrics: str, rerank=None) -> SearchPlan:
    requests = tuple(SearchRequest("v", ([1.0],), {}, m) for m in metrics)
    return SearchPlan("c", "id", requests, 10, rerank=rerank)


def test_the_score_says_what_it_is():
    assert score_label(_plan("L2")) == "distance (L2, squared)"
    assert score_label(_plan("COSINE")) == "similarity (COSINE)"
    assert score_label(_plan("IP")) == "score (IP)"
    assert score_label(_plan("BM25")) == "score (BM25)"
    assert score_label(_plan("HAMMING")) == "distance (HAMMING)"
    assert score_label(_plan("")) == "distance"
    assert score_label(_plan("L2", "IP", rerank=("rrf", (60,)))) == "score (RRF)"
    assert score_label(_plan("L2", "IP", rerank=("weighted", (0.5, 0.5)))) == "score (weighted)"


def test_digits_round_floats_in_tables_only():
    table = Table(["id", "distance", "x"], [[1, Float32(0.123456789), 2.718281828]],
                  labels={"distance": "similarity (COSINE)"})
    text = format_table(table, "table", digits=3)
    assert text.splitlines()[0].split(" | ") == ["id", "similarity (COSINE)", "x"]
    assert "0.123 " in text and text.splitlines()[2].rstrip().endswith("2.718")
    assert "2.718281828" in format_table(table, "table")
    assert "similarity (COSINE) | 0.123" in format_table(table, "vertical", digits=3)
    assert json.loads(format_table(table, "json", digits=3)) == [{"id": 1, "distance": 0.123456789, "x": 2.718281828}]
    assert "0.123456789" in format_table(table, "csv", digits=3) and "distance" in format_table(table, "csv")


def test_the_binder_reads_search_lines(table):
    from milvus_shell.parser import parse_line

    [inv] = parse_line("search c --vector 'd=[1, 2]' --text 't=red car' --vector '{\"3\": 0.5}' --rerank rrf:5 "
                      "--group-by kind --group-size 2 --strict-group-size --radius -0.5 --range-filter 1e-3 "
                      "--consistency bounded --limit all", table)
    assert [v.field for v in inv.opt("vector")] == ["d", ""]
    assert inv.opt("text") == ["t=red car"]
    assert inv.opt("radius") == -0.5 and inv.opt("range_filter") == 0.001
    assert inv.opt("consistency") == "Bounded" and inv.opt("limit") == "all"
    assert inv.opt("strict_group_size") is True and inv.opt("group_size") == 2


def test_completion_offers_vector_fields_after_vector_and_bm25_fields_after_text(table):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from fake_sessions import fake_registry
    from milvus_shell.completion import ShellCompleter
    from milvus_shell.metadata import CollectionNames, MetadataCache, Snapshot

    registry = fake_registry(connected={"prod": "localhost:19530"}, active="prod")
    try:
        cache = MetadataCache(registry)
        names = CollectionNames(fields=("dense", "id", "sparse", "text", "words"), vector_fields=("dense", "sparse"),
                                text_fields=("text",))
        cache._snapshots["prod"] = Snapshot(collections=("docs",), details={"docs": names})
        completer = ShellCompleter(table, cache.completion_sources())

        def offered(text: str) -> list[str]:
            return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]

        assert offered("search docs --vector ") == ["dense=", "sparse="]
        assert offered("search docs --vector de") == ["dense="]
        assert offered("search docs --vector '[1") == []
        assert offered("search docs --text ") == ["text="]
        assert offered("search docs --group-by ") == ["dense", "id", "sparse", "text", "words"]
        assert "--rerank" in offered("search docs --")
    finally:
        registry.close()
