"""crampcare's own command line (``main()``) with Argon2 at the smallest cost, for the `crampcare serve`
processes the tests start (``start_serve`` in serverkit.py): ``python served_crampcare.py serve ...``.

The test processes hash cheaply (``cheap_password_hashing`` in tests/conftest.py); a served process
would otherwise pay 64 MiB and a quarter of a second of CPU for every sign-up, log-in and wrong guess
the tests send. The algorithm, the stored format and every check stay the same. The module body runs
again in each uvicorn worker (multiprocessing's spawn imports the main script as ``__mp_main__``), so
``--workers N`` hash cheaply too. One served process keeps the real entry point and checks that it
stores full-cost hashes (test_server_processes.py).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the shared cheap hasher

from cheap_hashing import cheap_hasher
from crampcare.accounts import service

service._hasher = cheap_hasher()

if __name__ == "__main__":
    from crampcare.cli import main

    main()
