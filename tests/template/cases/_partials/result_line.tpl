[{{ r.payload_id }}] {{ r.plugin }} {{ r.filename|default('-', true) }} ({{ r.size }} bytes)
