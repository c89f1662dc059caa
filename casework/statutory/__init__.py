"""Bawaslu's statutory process, beside the platform takedown track: the intake type
(temuan or laporan), the kajian awal and its registration, the kajian and its approval,
forwarding (penerusan) to Komdigi, Sentra Gakkumdu, DKPP, KPU, BKN or another body,
numbered letters, forwarding up the hierarchy, and the exports that go with them
(status announcement, the berkas for Gakkumdu).

May import `casework` modules and `db`; never streamlit or fastapi.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
