"""HTTP routes that app.py mounts beside Streamlit (health now; sign-in and API later)."""
