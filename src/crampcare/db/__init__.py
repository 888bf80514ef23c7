"""The one database package: engine, declarative ``Base``, schema migrations and the write helper.

``diary``, ``accounts`` and ``clinic`` declare their tables on :class:`crampcare.db.base.Base`;
the Alembic history in ``crampcare/db/migrations`` covers all of them. Submodules are
imported on demand so ``crampcare --help`` and ``crampcare now`` never load SQLAlchemy.
"""
