# A root module that calls a local module creating one interface endpoint per service.
variable "region" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
}

module "endpoints" {
  source   = "./modules/endpoints"
  vpc_id   = aws_vpc.main.id
  region   = var.region
  services = ["ecr.api", "ecr.dkr", "logs"]
}
