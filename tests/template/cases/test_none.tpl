{{ none is none }} {{ results.tlp is none }} {{ nothing is none }} {{ 0 is none }}
{% for r in results.results %}
{{ r.payload_id }}: source_meta none={{ r.source_meta is none }} not none={{ r.source_meta is not none }}
{% endfor %}
