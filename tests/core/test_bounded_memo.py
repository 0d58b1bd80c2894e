"""`BoundedMemo`: bounded by the bytes it holds, its boundaries on each side."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from titans_finance.core.bounded_memo import BoundedMemo, entry_bytes


def _filled(cap: int, keys) -> BoundedMemo:
    memo = BoundedMemo(cap)
    for key in keys:
        memo.put(key, key.upper())
    return memo


def test_a_value_is_computed_once_and_then_remembered():
    calls = []
    memo = BoundedMemo(10_000)

    def compute(key):
        calls.append(key)
        return key.upper()

    assert memo.get("tesco", compute) == "TESCO" and memo.get("tesco", compute) == "TESCO"
    assert calls == ["tesco"] and len(memo) == 1
    assert memo.nbytes == entry_bytes("tesco", "TESCO")
    assert memo.reader()("tesco") == "TESCO" and memo.reader()("aldi") is None


def test_an_entry_of_exactly_the_cap_is_kept_and_one_byte_more_is_not():
    size = entry_bytes("abc", "ABC")
    assert len(_filled(size, ["abc"])) == 1
    assert len(_filled(size - 1, ["abc"])) == 0
    # still answered, computed each time
    memo = BoundedMemo(size - 1)
    assert memo.get("abc", str.upper) == "ABC" and len(memo) == 0


def test_the_entry_past_the_cap_forgets_the_older_half_and_stays_within_it():
    keys = [f"word-{i:04d}" for i in range(1_000)]
    size = entry_bytes(keys[0], keys[0].upper())
    exactly_ten = _filled(10 * size, keys[:10])
    assert len(exactly_ten) == 10 and exactly_ten.nbytes == 10 * size  # at the cap: all kept
    eleven = _filled(10 * size, keys[:11])  # one past: the older half goes
    assert eleven.nbytes <= 10 * size and keys[10] in eleven._values
    assert keys[0] not in eleven._values and len(eleven) == 6
    many = _filled(10 * size, keys)
    assert many.nbytes <= 10 * size and keys[-1] in many._values
    assert list(many._values) == sorted(many._values)  # the newest, in order


def test_arrays_count_their_buffers():
    memo = BoundedMemo(10_000)
    memo.put("short", np.arange(3))
    memo.put("long", np.arange(2_000))  # 16 kB: larger than the cap, never kept
    assert len(memo) == 1 and memo.nbytes < 1_000


def test_a_smaller_cap_forgets_at_once_and_a_cap_below_one_byte_is_refused():
    memo = _filled(100_000, [f"k{i}" for i in range(100)])
    memo.resize(1_000)
    assert memo.nbytes <= 1_000 and memo.max_bytes == 1_000 and "k99" in memo._values
    memo.resize(1)
    assert len(memo) == 0 and memo.nbytes == 0
    for bad in (0, -5, 1.5, True, "8"):
        with pytest.raises(ValueError, match="at least 1"):
            memo.resize(bad)
    assert memo.max_bytes == 1


def test_threads_writing_at_once_keep_the_count_exact():
    memo = BoundedMemo(20_000)

    def write(offset):
        for i in range(2_000):
            memo.put(f"t{offset}-{i}", i)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert memo.nbytes == sum(entry_bytes(k, v) for k, v in memo._values.items())
    assert memo.nbytes <= 20_000


@pytest.mark.parametrize("roomy", [True, False])
def test_get_all_gives_what_get_one_by_one_does(roomy):
    """Known and new keys, a key twice: the values `get` gives per key. In a roomy memo the
    same computations and entries; in one so small it forgets on the way, a value read at
    the start is used even if forgotten since (`reader`): never more computations, and
    the memo within its cap."""
    cap = 10_000 if roomy else 2 * entry_bytes("aldi", "ALDI") + 1
    keys = ["tesco", "aldi", "tesco", "lidl", "aldi", "spar"]
    together, alone = _filled(cap, ["aldi"]), _filled(cap, ["aldi"])
    computed: dict[str, list] = {"together": [], "alone": []}

    def compute(which):
        def upper(key):
            computed[which].append(key)
            return key.upper()
        return upper

    assert together.get_all(keys, compute("together")) == \
        [alone.get(key, compute("alone")) for key in keys] == [k.upper() for k in keys]
    if roomy:
        assert computed["together"] == computed["alone"] == ["tesco", "lidl", "spar"]
        assert together._values == alone._values and together.nbytes == alone.nbytes
    else:
        assert len(computed["together"]) <= len(computed["alone"])
        assert together.nbytes <= cap
