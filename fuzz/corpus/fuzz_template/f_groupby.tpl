{% for group in results.results|groupby('plugin') %}
{{ group.grouper }}: {{ group.list|map(attribute='payload_id')|join(',') }}
{% endfor %}
{% for plugin, items in results.results|groupby('plugin') %}
{{ plugin }} x{{ items|length }}
{% endfor %}
