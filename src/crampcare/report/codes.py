"""Systems, codes and URLs used in crampcare's FHIR R4 resources.

Only two standard codes are used, both verified (see the engineering notes):

* LOINC 72514-3, "Pain severity - 0-10 verbal numeric rating [Score] - Reported";
* ICD-10-CM G47.62, "Sleep related leg cramps".

No SNOMED CT code for night leg cramps was verified, so none is sent: the cramp carries a
``text`` and the ICD-10-CM coding. Everything else crampcare-specific (diary entries, day
factors, answer choices) uses code systems under :data:`BASE`, a placeholder domain that
names crampcare without pretending to be a registered terminology.
"""

from __future__ import annotations

from crampcare.i18n.context import N_

BASE = "https://crampcare.example/fhir"

UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"

PAIN_SEVERITY_LOINC = "72514-3"
PAIN_SEVERITY_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CRAMP_ICD10CM = "G47.62"
CRAMP_ICD10CM_DISPLAY = "Sleep related leg cramps"
CRAMP_TEXT = N_("Night leg cramp")  # English; an export says it in its reader's language

# Code systems of crampcare (placeholders under BASE).
CS_DIARY = f"{BASE}/CodeSystem/diary"  # what a diary Observation or component is
CS_DAY_FACTOR = f"{BASE}/CodeSystem/day-factor"  # a day factor, by its DayRecord field name
CS_LEG = f"{BASE}/CodeSystem/leg"
CS_MUSCLE = f"{BASE}/CodeSystem/muscle"
CS_SIGN = f"{BASE}/CodeSystem/cramp-sign"
CS_RELIEF = f"{BASE}/CodeSystem/relief"
CS_ACTIVITY = f"{BASE}/CodeSystem/activity-level"
CS_STRESS = f"{BASE}/CodeSystem/stress-level"
CS_DIET = f"{BASE}/CodeSystem/diet"
CS_MEDICINE = f"{BASE}/CodeSystem/medicine"
CS_ANSWER_PREFIX = f"{BASE}/CodeSystem/answer/"  # + question id: the choices of one question

QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/assessment"

# Extensions.
# A show-condition FHIR's enableWhen cannot state: parts ``text`` (English words), one ``translation``
# (``lang``, ``content``) per other language, and ``condition`` (the condition as JSON, with question ids).
EXT_SHOW_IF = f"{BASE}/StructureDefinition/show-if"
EXT_URGENCY = f"{BASE}/StructureDefinition/assessment-urgency"
# Warning questions left open: the assessment could not rule their signs out (never self-care).
EXT_NOT_RULED_OUT = f"{BASE}/StructureDefinition/assessment-unanswered-warning-question"
EXT_MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
# The core extension for a string in another language (on a primitive's ``_text``/``_display``).
EXT_TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

# Diary codes (CS_DIARY).
NIGHT = "night"
DAY = "day"
CRAMP = "cramp"
DURATION = "duration"
LEG = "leg"
MUSCLE = "muscle"
SIGN = "sign"
HELPED = "helped"
MINUTES_TO_RELIEF = "minutes-to-relief"
SLEEP_DISTURBED = "sleep-disturbed"

DIARY_DISPLAY = {  # English; an export says them in its reader's language
    NIGHT: N_("Night diary entry (the night beginning on this date)"),
    DAY: N_("Day diary entry"),
    CRAMP: N_("Night leg cramp"),
    DURATION: N_("Cramp duration"),
    LEG: N_("Leg"),
    MUSCLE: N_("Muscle"),
    SIGN: N_("Sign during the cramp"),
    HELPED: N_("What helped"),
    MINUTES_TO_RELIEF: N_("Minutes until relief"),
    SLEEP_DISTURBED: N_("Sleep disturbed"),
}

# UCUM codes for the questionnaire's units (crampcare unit -> (UCUM code, display)).
UCUM_UNITS: dict[str, tuple[str, str]] = {
    "years": ("a", "years"),
    "kg": ("kg", "kg"),
    "L": ("L", "L"),
    "minutes": ("min", "minutes"),
    "hours": ("h", "hours"),
    "weeks": ("wk", "weeks"),
}
