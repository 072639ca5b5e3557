"""File sizes as people read them (the `filesize` filter): one decimal at most, none when it is .0."""
import pytest

from arbitration.storage.base import human_size

KB, MB, GB = 1024, 1024 ** 2, 1024 ** 3


@pytest.mark.parametrize("size, shown", [
    (0, "0 B"),
    (1, "1 B"),
    (1023, "1023 B"),
    (1024, "1 KB"),
    (1536, "1.5 KB"),
    (24475, "23.9 KB"),            # was "23.9014 KB"
    (100 * KB, "100 KB"),
    (MB - 1, "1 MB"),              # rounds up into the next unit, never "1024 KB"
    (int(1.2 * MB), "1.2 MB"),
    (int(1.25 * MB) + 1, "1.3 MB"),
    (200 * MB, "200 MB"),          # the per-file limit in messages
    (1023 * MB, "1023 MB"),
    (int(1.5 * GB), "1.5 GB"),
    (3 * 1024 * GB, "3 TB"),
    (5000 * 1024 * GB, "5000 TB"),
])
def test_a_size_reads_as(size, shown):
    assert human_size(size) == shown
