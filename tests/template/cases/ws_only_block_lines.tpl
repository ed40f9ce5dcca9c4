{% if true %}
{% endif %}
