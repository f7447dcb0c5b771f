from __future__ import annotations

import numpy as np
import pytest

from eyetracker.inference.profile import Profile, ProfileError, load_profile, profile_path


def make_profile() -> Profile:
    moments = {
        "features.0.1.mean": np.arange(4, dtype=np.float32),
        "features.0.1.var": np.ones(4, np.float32),
    }
    return Profile("Ada L.", "abc123", moments, frames=9, source="calibration, 9 points")


def test_round_trip(tmp_path):
    path = make_profile().save(profile_path(tmp_path, "Ada L.", "abc123"))
    loaded = load_profile(path, "abc123")
    assert loaded.user == "Ada L." and loaded.frames == 9
    assert np.array_equal(loaded.moments["features.0.1.mean"], np.arange(4))


def test_profile_of_another_model_is_refused(tmp_path):
    path = make_profile().save(tmp_path / "p.npz")
    with pytest.raises(ProfileError, match="another model"):
        load_profile(path, "different")


def test_pickled_or_damaged_files_are_refused(tmp_path):
    evil = tmp_path / "evil.npz"
    np.savez(evil, _header=np.array([{"format": "eyetracker-profile"}], dtype=object))
    with pytest.raises(ProfileError, match="not a readable"):
        load_profile(evil)
    truncated = tmp_path / "t.npz"
    good = make_profile().save(tmp_path / "good.npz")
    truncated.write_bytes(good.read_bytes()[:50])
    with pytest.raises(ProfileError):
        load_profile(truncated)


def damaged(tmp_path, header: dict | None = None, **moments: np.ndarray):
    """A profile saved with `header` keys replaced (None: removed) and `moments` replaced."""
    import json

    path = make_profile().save(tmp_path / "p.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    fields = json.loads(str(arrays["_header"]))
    for key, value in (header or {}).items():
        if value is None:
            fields.pop(key)
        else:
            fields[key] = value
    arrays["_header"] = np.array(json.dumps(fields))
    arrays |= {k.replace("__", "."): v for k, v in moments.items()}
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    "damage",
    [
        {"header": {"frames": "abc"}},
        {"header": {"frames": True}},
        {"header": {"user": None}},
        {"header": {"model_fingerprint": None}},
        {"features__0__1__mean": np.ones((2, 2), np.float32)},
        {"features__0__1__var": np.ones(3, np.float32)},
        {"features__0__1__mean": np.full(4, np.nan, np.float32)},
        {"features__0__1__var": -np.ones(4, np.float32)},
    ],
)
def test_a_damaged_profile_is_one_sentence(tmp_path, damage):
    path = damaged(tmp_path, **damage)
    with pytest.raises(ProfileError) as caught:
        load_profile(path, "abc123")
    message = str(caught.value)
    assert message.startswith(str(path)) and "calibrate again" in message and "\n" not in message
