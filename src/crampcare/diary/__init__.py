"""The diary: nights and days a person logs, stored per owner with undo, imported and exported.

Submodules are imported on demand (``crampcare.diary.store`` pulls in SQLAlchemy), so
importing this package stays cheap for ``crampcare --help``.
"""
