{% for r in results.results|sort(attribute='size') %}
{{ r.size }} {{ r.plugin }}
{% endfor %}
{% for r in results.results|sort(attribute='plugin,payload_id', reverse=true) %}
{{ r.plugin }}/{{ r.payload_id }}
{% endfor %}
