{% set shout | upper %}
tlp {{ results.tlp }} and {{ results.payloads }} payloads
{% endset %}
{% set short | trim | replace(' ', '_') %}
  a b c  
{% endset %}
{{ shout }}|{{ short }}
