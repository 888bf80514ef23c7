"""The article and clinical guidance as reviewed, sourced data."""

from crampcare.knowledge.loader import KnowledgeBase, KnowledgeError, load_knowledge, load_knowledge_from

__all__ = ["KnowledgeBase", "KnowledgeError", "load_knowledge", "load_knowledge_from"]
