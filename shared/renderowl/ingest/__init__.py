"""Ingest: an uploaded object is identified by its content, inspected with pinned demuxers,
checked against limits, given derivatives (thumbnail, proxy, web rendition), and only then trusted."""
