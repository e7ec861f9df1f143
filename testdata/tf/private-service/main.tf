# A private Fargate service whose endpoints come from for_each over a local map, whose region is a
# variable without a value, and whose task definition is built by a local module.

variable "region" {
  type = string
}

locals {
  interface_endpoints = {
    "ecr.api" = "Interface"
    "ecr.dkr" = "Interface"
    "logs"    = "Interface"
  }
}

provider "aws" {
  region = var.region
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.${count.index}.0/24"
}

resource "aws_vpc_endpoint" "this" {
  for_each            = local.interface_endpoints
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${var.region}.${each.key}"
  vpc_endpoint_type   = each.value
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "exec" {
  name               = "exec"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

module "task" {
  source             = "./modules/task"
  execution_role_arn = aws_iam_role.exec.arn
  image              = "123456789012.dkr.ecr.${var.region}.amazonaws.com/app:1"
}
