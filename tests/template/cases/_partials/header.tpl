== stoQ report {{ results.date|default('n/a') }} (TLP:{{ results.tlp|default('white', true)|upper }}) ==
