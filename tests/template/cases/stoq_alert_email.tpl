Subject: [stoQ][TLP:{{ results.tlp|default('white', true)|upper }}] {{ results.results|length }} result(s){% if results.results|selectattr('plugin', 'eq', 'yara')|selectattr('scan')|list %} - YARA HIT{% endif %}

Date: {{ results.date|default('unknown') }}

{% for r in results.results %}
{% if loop.first %}Root payload: {{ r.filename|default('unnamed', true) }} ({{ r.size|filesizeformat(true) }})
{% endif %}
{% endfor %}
{% for r in results.results if r.plugin == 'yara' and r.scan %}
YARA {{ r.payload_id }}: {{ r.scan|map(attribute='rule')|join(', ') }}
{% endfor %}
--
sent by stoQ
