region             = "eu-west-1"
environment        = "prod"
vpc_id             = "vpc-0123456789abcdef0"
private_subnet_ids = ["subnet-0123456789abcdef0"]
image_tag          = "1.4.2"
