"""The USC trial's own performance tests: a timed repeated sit-to-stand and a back-extensor
endurance hold (pure: no I/O).

CLINICAL.md: the USC Spine Exercise Program's assessments included "a repeated sit-to-stand and a
back-extensor endurance test (modified Biering-Sorensen)" (Selkowitz et al. 2006 protocol, BMC
Musculoskeletal Disorders 7:70). It does not record how many repetitions the trial timed, so:

* **Five-repetition sit-to-stand** (``sts_5x``): seconds to stand up fully and sit down five
  times from a standard chair, arms folded, as fast as safely possible; lower is better. Five
  repetitions is the most widely used timed form; the choice is a clinic default.
* **Modified Biering-Sorensen** (``sorensen``): seconds the patient holds the unsupported trunk
  horizontal, prone over the end of a plinth with the legs strapped; higher is better. The hold
  is stopped at :data:`SORENSEN_MAX_S` (240 s, a clinic default: the maximum of the original
  test, Biering-Sorensen 1984, Spine 9:106-119, which most protocols keep) and a hold reaching it
  is recorded as reaching the maximum.

Both are stored in the walking and mobility tests table (seconds, SI) and judged against the
thresholds in :mod:`rehab_tracker.domain.thresholds` (clinic defaults: no minimal important
change after discectomy is recorded in CLINICAL.md).
"""

from __future__ import annotations

from rehab_tracker.domain.units import format_number

STS_5X = "sts_5x"
SORENSEN = "sorensen"
#: the performance tests, in the order forms and reports show them
PERFORMANCE_TESTS: tuple[str, ...] = (STS_5X, SORENSEN)

#: the hold is stopped here: a clinic default, the original test's maximum (Biering-Sorensen
#: 1984); forms and the report say "clinic default" next to it
SORENSEN_MAX_S = 240.0

PERFORMANCE_LABELS: dict[str, str] = {
    STS_5X: "Five-repetition sit-to-stand",
    SORENSEN: "Back-extensor hold (modified Biering-Sorensen)",
}

#: what the form says about each test (the clinic's own words)
PERFORMANCE_INSTRUCTIONS: dict[str, str] = {
    STS_5X: (
        "Time, in seconds, to stand up fully and sit down five times from a standard chair "
        "(about 43-45 cm seat), arms folded, as fast as is safe. Start the watch on 'go', stop "
        "it when the patient sits after the fifth stand. Lower is better. Five repetitions is "
        "a clinic default: the USC protocol (Selkowitz 2006) names a repeated sit-to-stand "
        "without its count."
    ),
    SORENSEN: (
        "Seconds the patient holds the trunk horizontal and unsupported, lying face down over "
        "the end of the plinth with the legs strapped (modified Biering-Sorensen). Stop when "
        "the trunk drops from horizontal, symptoms stop the test, or at "
        f"{format_number(SORENSEN_MAX_S)} s (the clinic-default maximum). Higher is better."
    ),
}

#: how the report's sources list attributes the tests
PERFORMANCE_ATTRIBUTION = (
    "Performance tests: five-repetition sit-to-stand (seconds) and the modified "
    "Biering-Sorensen back-extensor hold (seconds, stopped at "
    f"{format_number(SORENSEN_MAX_S)} s, a clinic default), as in the USC Spine Exercise "
    "Program's assessments (Selkowitz et al. 2006, BMC Musculoskeletal Disorders 7:70); the "
    "number of sit-to-stand repetitions is a clinic default."
)


def reached_maximum(test: str, seconds: float) -> bool:
    """Whether a Biering-Sorensen hold was stopped at the maximum (never for other tests)."""
    return test == SORENSEN and seconds >= SORENSEN_MAX_S


def performance_detail(test: str, details: dict[str, object]) -> str:
    """The history's detail column of a performance test."""
    parts = []
    if details.get("reached_max"):
        parts.append(f"held to the {format_number(SORENSEN_MAX_S)} s maximum")
    if details.get("stop_reason"):
        parts.append(f"stopped: {details['stop_reason']}")
    return ", ".join(parts)
