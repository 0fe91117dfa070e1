"""A thread-safe least-recently-used cache bounded by the total size of what it holds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable

from cachetools import LRUCache


class SizedLRU:
    """cachetools' LRUCache behind a lock (it is not thread-safe on its own).

    Items over an eighth of the budget are not kept: one huge item must not flush everything else.
    """

    def __init__(self, max_size: int, sizeof: Callable[[object], int]):
        self.max_size = max_size
        self.sizeof = sizeof
        self._items: LRUCache = LRUCache(max_size, getsizeof=sizeof)
        self._lock = threading.Lock()

    @property
    def max_item_size(self) -> int:
        """The largest item kept."""
        return self.max_size // 8

    def get(self, key: Hashable):
        """The item stored under `key` (now the most recently used), or None."""
        with self._lock:
            return self._items.get(key)

    def put(self, key: Hashable, value) -> None:
        """Store an item, dropping the least recently used ones beyond the budget."""
        if self.sizeof(value) > self.max_item_size:
            return
        with self._lock:
            self._items[key] = value

    def __len__(self) -> int:
        return len(self._items)
