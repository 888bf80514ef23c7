"""Pure assessment: answers in, an explained assessment out."""

from crampcare.assess.answers import AnswerError, validate_answers
from crampcare.assess.engine import assess
from crampcare.assess.interview import next_question, visible_questions
from crampcare.assess.model import Assessment

__all__ = ["AnswerError", "Assessment", "assess", "next_question", "validate_answers", "visible_questions"]
