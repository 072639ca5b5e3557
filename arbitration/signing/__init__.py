"""Signed documents and trusted time (issue 20): the platform's key and certificate (keys), an RFC 3161 time
stamping client (tsa), PAdES signing with a visible block on the last page (pades) and the checks anyone can
run on a signed PDF (verify). Free of the database and of any feature; the app's configuration comes in as a
mapping (settings.from_config), so the bulk export's rendering processes could sign too."""
