text
{% if true %}
x
{% endif %}
