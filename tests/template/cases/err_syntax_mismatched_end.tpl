{% if results.tlp %}
{% endfor %}
