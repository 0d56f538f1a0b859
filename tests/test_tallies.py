"""Tallies: the counting unit, roll-up, coders, shares and intervals, the matrix."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest

from export_helpers import codebook, codings, comments
from remedycoder import tallies
from remedycoder.errors import InputError


@pytest.fixture
def frame() -> pd.DataFrame:
    return tallies.codings_frame(codings())


@pytest.fixture
def table(frame) -> pd.DataFrame:
    selected = tallies.select_codings(frame)
    return tallies.summary_table(selected, codebook(), tallies.comments_frame(comments()))


def row(table: pd.DataFrame, coder: str, remedy: str) -> dict:
    found = table[(table["coder"] == coder) & (table["remedy"] == remedy)]
    assert len(found) == 1, (coder, remedy)
    return found.iloc[0].to_dict()


def test_wilson_interval_matches_the_textbook_values():
    low, high = tallies.wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    low, high = tallies.wilson_interval(0, 5)
    assert low == 0.0 and round(high, 4) == 0.4345
    assert all(math.isnan(x) for x in tallies.wilson_interval(0, 0))


def test_wilson_interval_is_vectorised():
    low, high = tallies.wilson_interval([8, 0], [10, 0])
    assert round(low[0], 4) == 0.4902 and math.isnan(high[1])


def test_select_keeps_confirmed_codings_of_people_only_by_default(frame):
    selected = tallies.select_codings(frame)
    assert set(selected["status"]) == {"confirmed"}
    assert "auto" not in set(selected["coder"])


def test_include_suggestions_adds_the_auto_rows(frame):
    selected = tallies.select_codings(frame, coders=["alice"], include_suggestions=True)
    assert set(selected["coder"]) == {"alice", "auto"}
    assert set(selected.loc[selected["coder"] == "auto", "status"]) == {"suggested"}


def test_unknown_coder_is_bad_input_naming_the_coders_there_are(frame):
    with pytest.raises(InputError) as caught:
        tallies.select_codings(frame, coders=["alcie"])
    assert caught.value.message == "No codings by coder 'alcie'."
    assert caught.value.hint.startswith("Coders with codings: alice, bob.")


def test_a_comment_counts_once_per_remedy_however_often_it_was_coded(table):
    zinc = row(table, "bob", "zinc")  # c6 coded twice with zinc/helped
    assert zinc["helped (comments)"] == 1
    assert zinc["any effect (comments)"] == 1


def test_parent_rows_count_comments_where_it_or_a_descendant_was_coded(table):
    group = row(table, "alice", "supplements")  # zinc on c1, c2; fish oil on c2
    assert group["any effect (comments)"] == 2
    assert group["includes sub-codes"]
    assert group["helped (comments)"] == 1 and group["no_effect (comments)"] == 1
    painkillers = row(table, "alice", "painkillers")  # codable parent + child on one comment
    assert painkillers["any effect (comments)"] == 1
    assert painkillers["partial (comments)"] == 1 and painkillers["not_stated (comments)"] == 1


def test_coders_are_counted_separately_never_pooled(table):
    assert row(table, "alice", "walking")["any effect (comments)"] == 1
    bob = row(table, "bob", "walking")
    assert bob["helped (comments)"] == 1 and bob["partial (comments)"] == 1
    assert bob["any effect (comments)"] == 1


def test_share_is_benefit_over_comments_with_an_effect_stated(table):
    group = row(table, "alice", "supplements")
    assert group["effect stated (comments)"] == 2
    assert group[tallies.SHARE] == 0.5
    low, high = tallies.wilson_interval(1, 2)
    assert group[tallies.SHARE_LOW] == pytest.approx(low)
    assert group[tallies.SHARE_HIGH] == pytest.approx(high)
    painkillers = row(table, "alice", "painkillers")  # not_stated does not dilute the share
    assert painkillers["effect stated (comments)"] == 1 and painkillers[tallies.SHARE] == 1.0


def test_undefined_share_is_nan_not_zero(table):
    assert math.isnan(row(table, "bob", "fish_oil")[tallies.SHARE])


def test_distinct_authors_ignore_comments_without_one(table):
    assert row(table, "alice", "zinc")[tallies.AUTHORS] == 2  # ann and bob
    assert row(table, "alice", "walking")[tallies.AUTHORS] == 0  # c4 has no author


def test_codes_missing_from_the_codebook_are_kept(table):
    retired = row(table, "bob", "retired_code")
    assert retired["remedy label"] == "retired_code"
    assert retired["helped (comments)"] == 1


def test_rows_follow_coders_then_the_codebook_tree(table):
    alice = table[table["coder"] == "alice"]["remedy"].tolist()
    assert alice == [
        "supplements", "zinc", "fish_oil", "painkillers", "ibuprofen", "walking", "retired_code",
    ]  # fmt: skip
    assert table["coder"].tolist() == sorted(table["coder"])


def test_every_header_names_the_counting_unit(table):
    counts = [c for c in table.columns if table[c].dtype.kind == "i" and c != "level"]
    assert counts and all("comments" in c for c in counts)


def test_counts_equal_a_naive_pandas_recount_of_the_leaf_codes(frame):
    selected = tallies.select_codings(frame)
    counts = tallies.remedy_effect_counts(selected, codebook())
    naive = selected.groupby(["coder", "remedy", "effect"])["comment_id"].nunique()
    leaves = counts[counts["remedy"].isin(set(selected["remedy"]))]
    leaves = leaves[~leaves["remedy"].isin(["supplements", "painkillers"])]
    ours = leaves.set_index(["coder", "remedy", "effect"])["comments"]
    naive = naive.drop(index="painkillers", level="remedy", errors="ignore")
    assert ours.sort_index().to_dict() == naive.sort_index().to_dict()


def test_order_of_codings_does_not_change_the_table(frame):
    selected = tallies.select_codings(frame)
    shuffled = selected.sample(frac=1, random_state=random.Random(3).randrange(1000))
    first = tallies.summary_table(selected, codebook())
    second = tallies.summary_table(shuffled.reset_index(drop=True), codebook())
    pd.testing.assert_frame_equal(first, second)


def test_no_codings_gives_an_empty_table_with_the_same_columns(frame):
    empty = tallies.summary_table(frame.iloc[:0], codebook())
    assert empty.empty
    assert tallies.SHARE in empty.columns and "helped (comments)" in empty.columns


def test_include_empty_false_drops_remedies_nobody_coded(frame):
    selected = tallies.select_codings(frame, coders=["bob"])
    table = tallies.summary_table(selected, codebook(), include_empty=False)
    assert set(table["remedy"]) == {"supplements", "zinc", "walking", "retired_code"}


def test_matrix_has_the_effect_in_the_cell_and_a_0_1_column_per_code(frame):
    m = tallies.matrix(tallies.select_codings(frame), codebook())
    bob_c4 = m[(m["comment_id"] == "c4") & (m["coder"] == "bob")].iloc[0]
    assert bob_c4["walking"] == "helped; partial"
    assert bob_c4["has_walking"] == 1 and bob_c4["has_zinc"] == 0
    assert pd.isna(bob_c4["zinc"])
    assert [c for c in m.columns if c.startswith("has_")] == [
        "has_zinc", "has_fish_oil", "has_painkillers", "has_ibuprofen", "has_walking",
        "has_retired_code",
    ]  # fmt: skip


def test_bitmap_and_hash_counting_agree(frame, monkeypatch):
    selected = tallies.select_codings(frame, include_suggestions=True)
    authors = tallies.comments_frame(comments())
    dense = tallies.summary_table(selected, codebook(), authors)
    monkeypatch.setattr(tallies, "DENSE_LIMIT", 0)
    pd.testing.assert_frame_equal(dense, tallies.summary_table(selected, codebook(), authors))
