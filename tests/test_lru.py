"""The size-bounded LRU cache behind the page cache and the shared posting lists."""

from app.lru import SizedLRU


def test_least_recently_used_items_leave_first_when_the_budget_is_spent():
    cache = SizedLRU(80, len)
    for key in "abcdefgh":  # exactly the budget
        cache.put(key, "x" * 10)
    cache.get("a")  # now the most recently used
    cache.put("i", "x" * 10)
    assert cache.get("b") is None
    assert all(cache.get(key) == "x" * 10 for key in "acdefghi")


def test_an_item_over_an_eighth_of_the_budget_is_not_kept():
    cache = SizedLRU(80, len)
    cache.put("small", "x" * 10)
    cache.put("huge", "x" * 11)
    assert cache.get("huge") is None and cache.get("small") == "x" * 10
