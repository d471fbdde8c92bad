"""The interactive page (``payback serve``): a Streamlit app over the public API."""
