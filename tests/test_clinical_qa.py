"""Defects found by an independent clinical QA pass (patients run through the engine, the CLI
and the knowledge base), each pinned by a test that failed before its fix. Person-level cases
live in tests/clinical/cases.yaml (section "Clinical QA"); this file holds the checks that span
the whole knowledge base."""

from __future__ import annotations

from crampcare.knowledge import load_knowledge
from crampcare.knowledge.schema import URGENCY_RANK

KB = load_knowledge()

# A referral that tells the reader how soon to go must not be sooner than the rule's own urgency:
# "See a doctor today ... don't wait for a routine appointment" under a headline that says "book
# an appointment" leaves a patient with two contradictory instructions.
REFERRAL_NEEDS = {"emergency_services": "emergency", "same_day_doctor": "urgent"}


def test_no_rule_sends_a_person_sooner_than_its_own_urgency() -> None:
    wrong = []
    for group in (KB.warning_signs, KB.lookalikes, KB.factors):
        for rule in group.values():
            level = rule.urgency or "self_care"
            for referral in rule.referrals:
                need = REFERRAL_NEEDS.get(referral)
                if need is not None and URGENCY_RANK[level] < URGENCY_RANK[need]:
                    wrong.append(f"{rule.id}: {referral} under urgency {level}")
    assert not wrong, wrong
