"""The analysts' app (Streamlit): a form per profile, a batch page and a model page, talking
to the API over HTTP with an API key like any client. Its own dependency group (``ui``);
it imports nothing of the service or the models."""
