from __future__ import annotations

from datetime import timedelta

import pytest

from fahndung.core import clock


@pytest.fixture
def valid_payload():
    return {
        "kind": "suspect_unknown",
        "legal_basis": "stpo_131b_1",
        "title": "Raub auf Apotheke",
        "file_number_police": "ST/555/26",
        "offence": "Schwerer Raub",
        "significance_reason": "Bewaffneter Überfall",
        "measures_taken": "Videoauswertung ohne Ergebnis",
        "place": "Stuttgart-Mitte",
        "expires_at": (clock.now() + timedelta(days=30)).isoformat(),
        "persons": [{"role": "suspect", "sex": "male", "age_min": 20, "age_max": 25, "clothing": "graue Jacke"}],
        "order": {
            "issuer_type": "judge",
            "authority": "Amtsgericht Stuttgart",
            "decision_number": "Gs 1/26",
            "decided_at": (clock.now() - timedelta(hours=2)).isoformat(),
        },
    }
