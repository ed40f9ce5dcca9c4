{{ [1, 2, 3]|reverse|list }} {{ 'stoq'|reverse }} {{ results.results|map(attribute='payload_id')|reverse|join(',') }}
{% for r in results.results|reverse %}
{{ r.plugin }}
{% endfor %}
