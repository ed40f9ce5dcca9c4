{% set hits = [] %}
{% for r in results.results if r.plugin == 'yara' %}
{% set hits = hits + r.scan|map(attribute='rule')|list %}
{% endfor %}
*stoQ* {{ results.payloads }} payload(s), TLP `{{ results.tlp }}` (hits outside the loop: {{ hits|length }})
{% for r in results.results if r.plugin == 'yara' and r.scan %}
> `{{ r.filename|default('payload ' ~ r.payload_id, true) }}` matched {{ r.scan|map(attribute='rule')|map('tojson')|join(', ') }}
{% endfor %}
