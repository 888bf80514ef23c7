"""Interface words for the pages that are translated (the /now page; knowledge texts come from the KB)."""

from __future__ import annotations

LANGS = ("en", "ru")

UI: dict[str, dict[str, str]] = {
    "en": {
        "title": "Cramp now? — crampcare",
        "heading": "Cramp now?",
        "lead": "Do these steps one at a time. Breathe slowly.",
        "step": "Step",
        "of": "of",
        "next": "Next step",
        "back": "Back",
        "start_timer": "Start timer",
        "pause": "Pause",
        "done": "Done — go on to the next step",
        "seconds": "s",
        "source": "Source",
        "evidence": "Evidence",
        "why": "Why this step?",
        "guidance": "Where guidance differs from the article",
        "check": "Now check",
        "check_lead": "Answer each question. If the answer is yes, open it for what to do.",
        "yes": "Yes",
        "no_need": "If every answer is no, the cramp should pass.",
        "after": "Later: an explained assessment of what may cause your cramps, and a diary.",
        "assess": "Start the assessment",
        "diary": "Log this night",
        "home": "crampcare",
        "other_lang": "Русский",
        "other_lang_code": "ru",
        "offline": "Works offline once opened.",
        "skip": "Skip to the steps",
    },
    "ru": {
        "title": "Судорога сейчас? — crampcare",
        "heading": "Судорога сейчас?",
        "lead": "Выполняйте шаги по одному. Дышите медленно.",
        "step": "Шаг",
        "of": "из",
        "next": "Следующий шаг",
        "back": "Назад",
        "start_timer": "Запустить таймер",
        "pause": "Пауза",
        "done": "Готово — переходите к следующему шагу",
        "seconds": "с",
        "source": "Источник",
        "evidence": "Доказательность",
        "why": "Почему этот шаг?",
        "guidance": "Где рекомендации расходятся со статьёй",
        "check": "Теперь проверьте",
        "check_lead": "Ответьте на каждый вопрос. Если ответ «да», откройте его: там сказано, что делать.",
        "yes": "Да",
        "no_need": "Если на все вопросы ответ «нет», судорога должна пройти.",
        "after": "Потом: разбор возможных причин ваших судорог и дневник.",
        "assess": "Пройти опрос",
        "diary": "Записать эту ночь",
        "home": "crampcare",
        "other_lang": "English",
        "other_lang_code": "en",
        "offline": "Работает без сети после первого открытия.",
        "skip": "К шагам",
    },
}


def pick_lang(value: str | None) -> str:
    """``en`` unless a supported language is asked for (never an error)."""
    value = (value or "").strip().lower()[:5]
    return value if value in LANGS else "en"
