"""The use cases: one function per thing a person does, shared by every interface.

``cli/`` and ``web/`` parse input, call one function here and render its result; they never
touch storage (``db``, ``diary.store``) or statistics internals (``insights``) themselves
(``tests/test_layers.py`` checks this). Each write runs as one transaction under the owner's
write lock (:mod:`crampcare.db.writes`), so two clients writing at once both keep their change.

* :mod:`crampcare.services.diary` — open a diary; log a night (the one night policy) or a day;
  read, edit, delete, undo; save an assessment, assess-and-save, answers the diary suggests.
* :mod:`crampcare.services.transfer` — import any format (CSV, JSON, FHIR; detected once)
  and export through one static registry of formats.
* :mod:`crampcare.services.insights` — insights, their chart, a simulated diary.
* :mod:`crampcare.services.report` — the report for the doctor (HTML, PDF), calendar reminders.
* :mod:`crampcare.services.database` — open the database, check or upgrade its schema.
* :mod:`crampcare.services.clinic` — roles, a patient's sharing and audit log, a clinician's
  audited reads of a shared diary, the dashboard and cohort figures (server mode).

Account actions are :class:`crampcare.accounts.AccountService` (already one call per action).

Submodules are imported on demand: ``crampcare --help`` must not load SQLAlchemy.
"""
