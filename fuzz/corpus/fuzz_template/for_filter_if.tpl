{% for r in results.results if r.plugin == 'yara' %}
{{ loop.index }}/{{ loop.length }} yara payload {{ r.payload_id }}{% if loop.last %} (last){% endif %}

{% else %}
no yara results
{% endfor %}
