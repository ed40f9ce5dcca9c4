{% for r in results.results %}
{% if r.plugin == 'yara' %}
  {% if r.scan %}
    {% if r.scan|length > 1 %}
{{ r.payload_id }}: several matches
    {% else %}
{{ r.payload_id }}: one match
    {% endif %}
  {% else %}
{{ r.payload_id }}: yara, no match
  {% endif %}
{% endif %}
{% endfor %}
