"""Pantau's Streamlit pages. Each module defines render() and runs nothing at import;
`router.py` is the main script and decides which pages a user gets."""
