"""Capture: Pantau fetches a case's links itself, in headless Chromium, and keeps what it
found as evidence (a full-page screenshot, a WARC web archive with its CDXJ index, a
signed manifest of their hashes) with what the page said about itself. After a removal
it fetches the link again and records whether the content is gone.

- `jobs`: the job table's queue (filing, on demand, after a decision) and its claims;
- `fetch`: one page in Chromium (Playwright) and the record of its traffic;
- `archive`: WARC and CDXJ from that record (warcio);
- `outcomes`: what the page was (captured, login wall, region block, not found, …),
  from its status and the platforms' markers (data);
- `store`: a fetch's result as evidence, in one transaction;
- `similar`: perceptual hashes and near-identical images across cases;
- `views`: what the case page and the dashboard read;
- `worker`: the loop `python -m casework.capture` runs.

May import `casework` services and `db`; never streamlit. Playwright is imported only
by `fetch`, so the app's pages never load a browser driver.

What it may import: MAY_IMPORT in tests/unit/test_rooms.py keeps it."""
