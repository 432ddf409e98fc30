"""The durable audit log: a local spool on the request path, a background uploader off it."""
