text   
  
{{ results.payloads }}  
  