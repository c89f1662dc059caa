"""HTTP routes that app.py mounts beside Streamlit: health, sign-in and sign-out (API later)."""
