"""Pantau's domain and services. Never imports streamlit: every rule here is testable
without a UI."""
