{% for r in results.results %}
{% if r.size > 1000000 %}
{{ r.payload_id }}: huge
{% elif r.size > 10000 %}
{{ r.payload_id }}: large
{% elif r.size > 0 %}
{{ r.payload_id }}: small
{% else %}
{{ r.payload_id }}: empty
{% endif %}
{% else %}
no results
{% endfor %}
