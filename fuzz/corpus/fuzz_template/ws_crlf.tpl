line one
{% if true %}
  crlf body {{ results.payloads }}
{% endif %}
last
